import { describe, expect, it } from 'vitest';
import { parsePlanFile, type PlanFileProblem } from './plan-file.js';

// Fixtures sit at column 0 so the line and column numbers asserted below can be read straight off the text.
const FILE = 'plans/demo-plan.yaml';

function problemsOf(text: string): PlanFileProblem[] {
  const result = parsePlanFile(FILE, text);
  if (result.ok) throw new Error('expected the plan file to be rejected');
  return result.problems;
}

describe('parsePlanFile: valid files', () => {
  it('parses a minimal plan and fills in the defaults', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: inform
    type: notify
    title: { zh: 通知值班长, en: Inform the duty officer }
    to: [{ role: dutyOfficer }]
    message: { zh: 桥梁告警, en: Bridge alarm }
  - id: call-officer
    type: call
    title: { zh: 呼叫值班长, en: Call the duty officer }
    to: { role: dutyOfficer }
`;
    const result = parsePlanFile(FILE, text);
    expect(result).toMatchObject({ ok: true, plan: { id: 'demo-plan', version: 1, minSeverity: 'major', triggers: [] } });
    if (!result.ok) return;
    expect(result.plan.steps.map((step) => step.type)).toEqual(['notify', 'call']);
    expect(result.plan.steps[1]).toMatchObject({ type: 'call', media: 'audio' });
  });
});

describe('parsePlanFile: YAML syntax', () => {
  it('reports a misaligned key with its line and column', () => {
    const text = `formatVersion: 1
id: demo-plan
title:
    zh: 演示预案
  en: Demo plan
`;
    // yaml places a misaligned item at the start of its line, not at the key itself.
    expect(problemsOf(text)).toEqual([{ file: FILE, line: 5, column: 3, message: 'All mapping items must start at the same column' }]);
  });

  it('reports a key indented under a plain value where the value starts', () => {
    const text = `formatVersion: 1
id: demo-plan
  version: 1
`;
    expect(problemsOf(text)).toEqual([
      { file: FILE, line: 2, column: 5, message: 'Nested mappings are not allowed in compact mappings' },
      { file: FILE, line: 2, column: 5, message: 'Implicit keys need to be on a single line' },
    ]);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
id: other-plan
`;
    expect(problemsOf(text)).toEqual([{ file: FILE, line: 4, column: 1, message: 'Map keys must be unique' }]);
  });

  it('reports an empty file at its first line', () => {
    expect(problemsOf('')).toEqual([{ file: FILE, line: 1, column: 1, message: expect.stringContaining('expected object') }]);
  });
});

describe('parsePlanFile: schema', () => {
  it('reports a missing required field at the mapping that lacks it', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: inform
    type: notify
    title: { zh: 通知值班长, en: Inform the duty officer }
    to: [{ role: dutyOfficer }]
`;
    expect(problemsOf(text)).toEqual([
      { file: FILE, line: 1, column: 1, message: expect.stringMatching(/^summary: /) },
      { file: FILE, line: 10, column: 5, message: expect.stringMatching(/^steps\.0\.message: /) },
    ]);
  });

  it('reports a wrong enum value at the value', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: call-officer
    type: call
    title: { zh: 呼叫值班长, en: Call the duty officer }
    to: { role: dutyOfficer }
    media: fax
`;
    const problems = problemsOf(text);
    expect(problems).toEqual([{ file: FILE, line: 15, column: 12, message: expect.stringMatching(/^steps\.0\.media: /) }]);
    expect(problems[0]?.message).toContain('audio');
  });
});

describe('parsePlanFile: plan rules', () => {
  it('reports a step id used twice inside one parallel branch at the second id', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: respond
    type: parallel
    title: { zh: 同步处置, en: Respond in parallel }
    branches:
      - - id: check
          type: wait
          title: { zh: 等待, en: Wait }
          seconds: 60
        - id: check
          type: wait
          title: { zh: 再等待, en: Wait again }
          seconds: 60
      - - id: report
          type: wait
          title: { zh: 回报, en: Report }
          seconds: 60
`;
    expect(problemsOf(text)).toEqual([{ file: FILE, line: 19, column: 15, message: expect.stringContaining('step id "check" is already used') }]);
  });

  it('reports jumps into another branch or into a branch from outside at the jump target', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: respond
    type: parallel
    title: { zh: 同步处置, en: Respond in parallel }
    branches:
      - - id: check
          type: wait
          title: { zh: 等待, en: Wait }
          seconds: 60
          next: report
      - - id: report
          type: wait
          title: { zh: 回报, en: Report }
          seconds: 60
  - id: again
    type: decision
    title: { zh: 是否复查, en: Check again }
    owner: dutyOfficer
    question: { zh: 是否复查？, en: Check again? }
    options:
      - { id: yes-again, label: { zh: 是, en: Yes }, next: check }
      - { id: done, label: { zh: 否, en: No }, next: end }
`;
    expect(problemsOf(text)).toEqual([
      { file: FILE, line: 19, column: 17, message: '"report" is not a step of this list (jumps stay within their own list or branch)' },
      { file: FILE, line: 30, column: 59, message: '"check" is not a step of this list (jumps stay within their own list or branch)' },
    ]);
  });

  it('reports every undeclared role (owner, escalation, call target) at the role name', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
steps:
  - id: inspect
    type: task
    title: { zh: 结构检测, en: Structural inspection }
    owner: bridgeEngineer
    timeLimit: { seconds: 600, escalateTo: commander }
  - id: call-crew
    type: call
    title: { zh: 呼叫班组, en: Call the crew }
    to: { role: bridgeCrew }
`;
    expect(problemsOf(text)).toEqual([
      { file: FILE, line: 15, column: 44, message: 'role "commander" is not declared under roles' },
      { file: FILE, line: 14, column: 12, message: 'role "bridgeEngineer" is not declared under roles' },
      { file: FILE, line: 19, column: 17, message: 'role "bridgeCrew" is not declared under roles' },
    ]);
  });

  it('reports a stray key at the key, a self-filled role, a duplicate option and a decision with its own next', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
summary: { zh: 测试用最小预案, en: The smallest plan for tests }
incidentTypes: [bridge-strain]
roles:
  dutyOfficer:
    title: { zh: 值班长, en: Duty officer }
    filledBy: { role: dutyOfficer }
steps:
  - id: decide
    type: decision
    title: { zh: 决策, en: Decide, B }
    question: { zh: 是否封桥, en: Close? }
    owner: dutyOfficer
    next: end
    options:
      - { id: yes, label: { zh: 是, en: Yes }, next: end }
      - { id: yes, label: { zh: 否, en: No }, next: end }
`;
    expect(problemsOf(text)).toEqual([{ file: FILE, line: 14, column: 34, message: 'steps.0.title: unknown field "B"' }]);
    const fixed = text.replace(', en: Decide, B }', ', en: Decide }');
    expect(problemsOf(fixed)).toEqual([
      { file: FILE, line: 10, column: 23, message: 'role "dutyOfficer" cannot be filled by itself' },
      { file: FILE, line: 17, column: 11, message: 'a decision moves on through its options; remove "next"' },
      { file: FILE, line: 20, column: 15, message: 'option id "yes" is already used in this decision' },
    ]);
  });

  it('says plainly that a required field is missing', () => {
    const text = `formatVersion: 1
id: demo-plan
version: 1
title: { zh: 演示预案, en: Demo plan }
incidentTypes: [bridge-strain]
roles: {}
steps:
  - { id: wait, type: wait, title: { zh: 等待, en: Wait }, seconds: 5 }
`;
    expect(problemsOf(text)).toEqual([{ file: FILE, line: 1, column: 1, message: 'summary: this required field is missing' }]);
  });
});
