// The floor's activity: returns its input, like the echo agent, but runs inside the Temporal
// worker itself. Whatever a Baton handoff costs beyond this is the price of going through NATS.
export interface EchoMessage {
  text: string;
}

export interface FloorActivities {
  echo(input: EchoMessage): Promise<EchoMessage>;
}

export function createFloorActivities(): FloorActivities {
  return {
    async echo(input) {
      return input;
    },
  };
}
