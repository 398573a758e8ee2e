// Brakes on password guessing at the console's sign-in (the web form and the CLI's API both):
// per username and address, a run of wrong passwords locks that pair out for a while (the right
// password is refused too until then); per address, a cap on attempts of any kind. Both from
// rate-limiter-flexible, in memory per console replica: with N replicas an attacker spread over
// all of them gets N times the attempts (a shared store would need a server Baton does not run).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInLimitOptions {
  /** Wrong passwords in a row (per username and address) before a lockout. */
  lockoutAttempts: number;
  /** How long a lockout lasts, and the window the wrong attempts are counted in. */
  lockoutMs: number;
  /** Sign-in attempts per address per minute, right or wrong. */
  attemptsPerMinute: number;
}

export type SignInGate = { ok: true } | { ok: false; status: 429; reason: string; retryAfterS: number };

export class SignInLimits {
  private readonly failures: RateLimiterMemory;
  private readonly attempts: RateLimiterMemory;

  constructor(private readonly options: SignInLimitOptions) {
    const seconds = Math.max(1, Math.ceil(options.lockoutMs / 1000));
    this.failures = new RateLimiterMemory({
      keyPrefix: 'fail',
      points: options.lockoutAttempts,
      duration: seconds,
      blockDuration: seconds,
    });
    this.attempts = new RateLimiterMemory({ keyPrefix: 'ip', points: options.attemptsPerMinute, duration: 60 });
  }

  private static key(username: string, address: string): string {
    return `${username.toLowerCase()}|${address}`;
  }

  /** Before the password is checked: refused when locked out or over the address's cap. */
  async before(username: string, address: string): Promise<SignInGate> {
    const locked = await this.failures.get(SignInLimits.key(username, address));
    if (locked && locked.consumedPoints >= this.options.lockoutAttempts) {
      const retryAfterS = Math.max(1, Math.ceil(locked.msBeforeNext / 1000));
      return {
        ok: false,
        status: 429,
        reason: `Too many wrong passwords for ${username}: signing in is locked for ${Math.ceil(retryAfterS / 60)} more minute(s)`,
        retryAfterS,
      };
    }
    try {
      await this.attempts.consume(address);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      return {
        ok: false,
        status: 429,
        reason: `Too many sign-in attempts from this address; try again in ${retryAfterS} s`,
        retryAfterS,
      };
    }
    return { ok: true };
  }

  /** After the check: a wrong password counts towards the lockout, a right one clears it.
   *  Returns true when this failure started a lockout. */
  async after(username: string, address: string, ok: boolean): Promise<boolean> {
    const key = SignInLimits.key(username, address);
    if (ok) {
      await this.failures.delete(key);
      return false;
    }
    try {
      const res = await this.failures.consume(key);
      return res.consumedPoints >= this.options.lockoutAttempts;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      return true;
    }
  }
}
