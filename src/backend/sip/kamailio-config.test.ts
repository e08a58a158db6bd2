import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderKamailioConfig } from './kamailio-config.js';
import { KAMAILIO_BIN, kamailioInstalled } from './kamailio-process.js';

const config = { listenHost: '127.0.0.1', wsPort: 5066, domain: 'zhili.test', secret: '0123456789abcdef'.repeat(2) };

describe('renderKamailioConfig', () => {
  it.skipIf(!kamailioInstalled())('renders a configuration that kamailio itself accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-kamailio-cfg-'));
    try {
      const file = join(dir, 'kamailio.cfg');
      writeFileSync(file, renderKamailioConfig(config));
      const output = execFileSync(KAMAILIO_BIN, ['-c', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toContain('127.0.0.1 [127.0.0.1]:5066');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses values that would change the configuration\'s meaning', () => {
    expect(() => renderKamailioConfig({ ...config, secret: 'short' })).toThrow(/secret/);
    expect(() => renderKamailioConfig({ ...config, domain: 'zhili.test"; exit;' })).toThrow(/domain/);
    expect(() => renderKamailioConfig({ ...config, listenHost: '0.0.0.0 udp:1.2.3.4' })).toThrow(/address/);
  });

  it('registers every dispatcher seat under the hunt group and derives passwords from the secret', () => {
    const text = renderKamailioConfig(config);
    expect(text).toContain('save("location", "0x02", "sip:dispatch@zhili.test")');
    expect(text).toContain(`$var(seed) = "${config.secret}:" + $au;`);
  });
});
