import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml';
import { PlanSchema, type Plan, type PlanStep } from './plan-schema.js';

/** One problem in a plan file, pointing at the place an editor should jump to. */
export interface PlanFileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type PlanFileResult = { ok: true; plan: Plan } | { ok: false; problems: PlanFileProblem[] };

type Path = (string | number)[];

/**
 * Reads one plan file: YAML syntax, then the schema, then the plan's own rules (unique step ids, jump targets that
 * exist, roles that are declared). Every problem carries the file, line and column of the offending node.
 */
export function parsePlanFile(file: string, text: string): PlanFileResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): PlanFileProblem => {
    const position = lineCounter.linePos(offset);
    return { file, line: position.line, column: position.col, message };
  };
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        // Indentation errors point at the start of the line; the editor should land on the offending key instead.
        let offset = error.pos[0];
        while (text[offset] === ' ') offset += 1;
        return at(offset, error.message.split('\n')[0] ?? error.message);
      }),
    };
  }
  const locate = (path: Path, message: string): PlanFileProblem => {
    // Walk up to the nearest node that exists (a missing key points at its parent mapping).
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return at(node.range[0], message);
    }
    return { file, line: 1, column: 1, message };
  };

  /** An unknown or badly named key is reported at the key itself (a stray comma in a flow mapping makes one). */
  const locateKey = (path: Path, key: string, message: string): PlanFileProblem => {
    const parent = document.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return at(pair.key.range[0], message);
    }
    return locate(path, message);
  };
  const prefix = (path: readonly PropertyKey[]) => (path.length > 0 ? `${path.map(String).join('.')}: ` : '');

  const parsed = PlanSchema.safeParse(document.toJS(), {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'this required field is missing' : undefined),
  });
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) => {
        const path = issue.path as Path;
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => locateKey(path, key, `${prefix(path)}unknown field "${key}"`));
        }
        if (issue.code === 'invalid_key') {
          const key = String(path.at(-1));
          return [locateKey(path.slice(0, -1), key, `${prefix(path)}${issue.message}`)];
        }
        return [locate(path, `${prefix(path)}${issue.message}`)];
      }),
    };
  }
  const problems = planRuleViolations(parsed.data).map((violation) => locate(violation.path, violation.message));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan: parsed.data };
}

interface RuleViolation {
  path: Path;
  message: string;
}

/** The rules a schema cannot say: ids unique in the plan, jumps within their own list, roles declared. */
export function planRuleViolations(plan: Plan): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const seen = new Map<string, string>();
  const roles = new Set(Object.keys(plan.roles));

  const checkRole = (role: string, path: Path) => {
    if (!roles.has(role)) violations.push({ path, message: `role "${role}" is not declared under roles` });
  };
  const checkTargetRole = (target: unknown, path: Path) => {
    if (typeof target === 'object' && target !== null && 'role' in target) checkRole(String((target as { role: unknown }).role), [...path, 'role']);
  };

  for (const [key, role] of Object.entries(plan.roles)) {
    const filledBy = role.filledBy;
    if (filledBy && 'role' in filledBy) {
      const path = ['roles', key, 'filledBy', 'role'];
      if (filledBy.role === key) violations.push({ path, message: `role "${key}" cannot be filled by itself` });
      else checkRole(filledBy.role, path);
    }
  }

  const visit = (steps: PlanStep[], path: Path) => {
    const local = new Set(steps.map((step) => step.id));
    const checkJump = (target: string | undefined, where: Path) => {
      if (target !== undefined && target !== 'end' && !local.has(target)) {
        violations.push({ path: where, message: `"${target}" is not a step of this list (jumps stay within their own list or branch)` });
      }
    };
    steps.forEach((step, index) => {
      const stepPath = [...path, index];
      const previous = seen.get(step.id);
      if (previous) violations.push({ path: [...stepPath, 'id'], message: `step id "${step.id}" is already used at ${previous}` });
      else seen.set(step.id, stepPath.join('.'));
      checkJump(step.next, [...stepPath, 'next']);
      if (step.timeLimit) checkRole(step.timeLimit.escalateTo, [...stepPath, 'timeLimit', 'escalateTo']);
      switch (step.type) {
        case 'task':
          checkRole(step.owner, [...stepPath, 'owner']);
          break;
        case 'decision': {
          checkRole(step.owner, [...stepPath, 'owner']);
          if (step.next !== undefined) {
            violations.push({ path: [...stepPath, 'next'], message: 'a decision moves on through its options; remove "next"' });
          }
          const optionIds = new Set<string>();
          step.options.forEach((option, optionIndex) => {
            if (optionIds.has(option.id)) {
              violations.push({ path: [...stepPath, 'options', optionIndex, 'id'], message: `option id "${option.id}" is already used in this decision` });
            }
            optionIds.add(option.id);
            checkJump(option.next, [...stepPath, 'options', optionIndex, 'next']);
          });
          break;
        }
        case 'notify':
          step.to.forEach((target, targetIndex) => checkTargetRole(target, [...stepPath, 'to', targetIndex]));
          break;
        case 'call':
          checkTargetRole(step.to, [...stepPath, 'to']);
          break;
        case 'parallel':
          step.branches.forEach((branch, branchIndex) => visit(branch, [...stepPath, 'branches', branchIndex]));
          break;
        default:
          break;
      }
    });
  };
  visit(plan.steps, ['steps']);
  return violations;
}
