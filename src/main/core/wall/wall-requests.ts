import type { Clock } from '../clock/index.js';
import type { ApiEventPayload } from '../../../shared/contract/api.js';
import type { WallPlayRequest } from '../../../shared/wall/wall-play.js';
import { RequestClaims } from '../api/index.js';

export interface WallRequestPorts {
  /** Delivers the event to the windows subscribed to it (the open video windows); returns how many got it. */
  emit(event: 'wallPlay.requested', payload: ApiEventPayload<'wallPlay.requested'>): number;
  clock: Clock;
}

/**
 * Cameras other windows ask a video wall to play: each request goes to every video window, and the first one to
 * claim it plays the camera. Nothing goes through the shared state, so a window opened or reloaded later plays only
 * what is asked of it from then on.
 */
export class WallRequests {
  private readonly claims: RequestClaims;

  constructor(private readonly ports: WallRequestPorts) {
    this.claims = new RequestClaims('wall play request', ports.clock);
  }

  requestPlay(request: WallPlayRequest): { delivered: number } {
    this.claims.open(request.requestId);
    return { delivered: this.ports.emit('wallPlay.requested', request) };
  }

  claimPlay(requestId: string, clientId: string): boolean {
    return this.claims.claim(requestId, clientId);
  }
}
