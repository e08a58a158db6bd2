import { describe, expect, it } from 'vitest';
import type { WallPlayRequest } from '../../../shared/wall/wall-play.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { EventHub } from '../api/index.js';
import { WallRequests } from './wall-requests.js';

const request: WallPlayRequest = { requestId: 'play-request-1', cameraId: 'CM000001' };

function videoWindows(hub: EventHub, count: number): WallPlayRequest[][] {
  return Array.from({ length: count }, () => {
    const heard: WallPlayRequest[] = [];
    hub.connect((_event, payload) => heard.push(payload as WallPlayRequest), () => true).subscribe('wallPlay.requested');
    return heard;
  });
}

describe('wall play requests', () => {
  it('tells every video window of a request and says how many heard it', () => {
    const hub = new EventHub();
    const windows = videoWindows(hub, 2);
    const requests = new WallRequests({ emit: (event, payload) => hub.emit(event, payload), clock: new ManualClock() });
    expect(requests.requestPlay(request)).toEqual({ delivered: 2 });
    expect(windows).toEqual([[request], [request]]);
  });

  it('lets only the first window that claims a request play it', () => {
    const requests = new WallRequests({ emit: () => 0, clock: new ManualClock() });
    requests.requestPlay(request);
    expect(requests.claimPlay(request.requestId, 'video-left')).toBe(true);
    expect(requests.claimPlay(request.requestId, 'video-right')).toBe(false);
  });

  it('refuses a claim for a request never made', () => {
    const requests = new WallRequests({ emit: () => 0, clock: new ManualClock() });
    expect(() => requests.claimPlay('play-request-none', 'video-left')).toThrow(/No wall play request play-request-none/);
  });
});
