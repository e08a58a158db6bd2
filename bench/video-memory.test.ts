import { describe, expect, it } from 'vitest';
import { chromiumKind, rollupAllocated } from './video-memory.js';

// Chromium rewrites its command line into one string: the bench splits it on spaces as well as NULs.
const args = (commandLine: string) => commandLine.split(/[\0 ]/);

describe('the video bench’s reading of Chromium’s processes', () => {
  it('tells each process’s kind from its command line', () => {
    expect(chromiumKind(args('/usr/lib/chromium/chromium --no-sandbox --user-data-dir=/tmp/p --remote-debugging-pipe about:blank'))).toBe('browser');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=gpu-process --crashpad-handler-pid=0 --enable-crash-reporter=,built on Debian GNU/Linux 12 (bookworm)'))).toBe('gpu');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=renderer --crashpad-handler-pid=0'))).toBe('renderer');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=zygote --no-zygote-sandbox'))).toBe('zygote');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US'))).toBe('network');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=utility --utility-sub-type=storage.mojom.StorageService'))).toBe('storage');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=utility --utility-sub-type=audio.mojom.AudioService'))).toBe('audio');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=utility --utility-sub-type=on_device_model.mojom.OnDeviceModelService'))).toBe('on-device-model');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=utility --utility-sub-type=data_decoder.mojom.DataDecoderService'))).toBe('utility');
    expect(chromiumKind(args('/usr/lib/chromium/chromium --type=broker'))).toBe('other');
  });

  it('counts a process’s anonymous and shared memory, proportionally, and leaves its file pages out', () => {
    const rollup = [
      '00010000-7ffd3da9a000 ---p 00000000 00:00 0                              [rollup]',
      'Rss:              288056 kB',
      'Pss:              148051 kB',
      'Pss_Dirty:        131906 kB',
      'Pss_Anon:         123465 kB',
      'Pss_File:          16144 kB',
      'Pss_Shmem:          8441 kB',
      'Shared_Clean:     135620 kB',
    ].join('\n');
    expect(rollupAllocated(rollup)).toBe((123465 + 8441) * 1024);
    // An older kernel without the split: nothing is counted rather than a wrong figure.
    expect(rollupAllocated('Rss: 100 kB\nPss: 50 kB')).toBe(0);
  });
});
