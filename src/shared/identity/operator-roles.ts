import { z } from 'zod';

/**
 * The duties a signed-in user may hold (a user can hold several): 值班员 duty operator, 调度员 dispatcher, 指挥长
 * commander, 演练导调 drill director, 管理员 administrator. What each may do is in access.ts, in one table.
 */
export const operatorRoles = ['duty-operator', 'dispatcher', 'commander', 'drill-director', 'administrator'] as const;
export const OperatorRoleSchema = z.enum(operatorRoles);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;
