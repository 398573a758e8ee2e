// Roles the console itself checks (gate tiers name the others: host, manager, …).
/** May open the operations views, replay dead letters and decode Temporal payloads. */
export const OPERATOR_ROLE = 'operator';
