import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/ote/environment.js';

/**
 * contrib/registry.service (issue 22): checked with `systemd-analyze verify` where systemd is installed
 * (skipped, saying so, where it is not). verify only logs what it ignores (an unknown key, a bad value) and
 * still exits 0, so any line it prints is a failure here; a deliberately broken copy shows that it does print.
 */
const UNIT = join(REPO_ROOT, 'contrib/registry.service');

describe('contrib/registry.service', function () {
  this.timeout(60_000);
  const text = readFileSync(UNIT, 'utf8');
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'epp-unit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** verify on a copy of the unit (its node path made this machine's when /usr/bin/node is absent). */
  const verify = (unit: string) => {
    const file = join(dir, 'registry.service');
    writeFileSync(file, existsSync('/usr/bin/node') ? unit : unit.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    return spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', cwd: dir });
  };

  it('runs the built CLI as its own user with the configuration file, restarts on failure, and raises the descriptor limit', () => {
    const service = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(service('User')).to.deep.equal(['registry']);
    expect(service('ExecStart')).to.deep.equal(['/usr/bin/node /opt/registry/dist/src/cli/main.js --config /etc/registry/registry.config.json serve']);
    expect(service('Restart')).to.deep.equal(['on-failure']);
    expect(Number(service('LimitNOFILE')[0])).to.be.at.least(10_300);
    expect(service('NoNewPrivileges')).to.deep.equal(['yes']);
    expect(service('ProtectSystem')).to.deep.equal(['strict']);
  });

  it('passes systemd-analyze verify without a warning', function () {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
      console.log('    (skipped: systemd-analyze is not installed on this machine)');
      this.skip();
    }
    const r = verify(text);
    expect(r.status, r.stderr).to.equal(0);
    expect((r.stdout + r.stderr).trim(), r.stderr).to.equal('');
    const broken = verify(text.replace('LimitNOFILE=65536', 'LimitNOFILE=banana').replace('Restart=on-failure', 'Restartt=on-failure'));
    expect(broken.stderr).to.match(/Failed to parse resource value, ignoring: banana/);
    expect(broken.stderr).to.match(/Unknown key 'Restartt'/);
  });
});
