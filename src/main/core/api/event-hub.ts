import { isApiEventName, type ApiEventName, type ApiEventPayload } from '../../../shared/contract/api.js';
import { apiError, shortened, type ApiError } from '../../../shared/contract/errors.js';

export type EventDelivery = (event: ApiEventName, payload: unknown) => void;

/** One window's or tab's subscriptions; disposing it drops them all. */
export interface HubConnection {
  /** An error for a name that is no event, or one this connection's caller may not receive. */
  subscribe(event: string): ApiError | null;
  /** An error for a name that is no event (nothing was subscribed to it). */
  unsubscribe(event: string): ApiError | null;
  /** Delivers an event to this connection only (its own session changed), when it subscribed to it. */
  notify<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): void;
  dispose(): void;
}

/**
 * Fans host events out to the connections that asked for them. Each transport opens one connection per window or
 * socket and passes a delivery function that serialises the event onto its channel.
 */
export class EventHub {
  private readonly connections = new Set<{ events: Set<ApiEventName>; deliver: EventDelivery }>();

  /** Returns how many connections the event went to. */
  emit<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): number {
    let delivered = 0;
    for (const connection of this.connections) {
      if (!connection.events.has(event)) continue;
      connection.deliver(event, payload);
      delivered += 1;
    }
    return delivered;
  }

  /** A listener inside the host (a feature following another's events), typed by the event; dispose ends it. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayload<E>) => void): { dispose(): void } {
    const connection = this.connect((_event, payload) => listener(payload as ApiEventPayload<E>), () => true);
    connection.subscribe(event);
    return connection;
  }

  /** `mayReceive` says whether the connection's caller, as it is now, may subscribe to an event. */
  connect(deliver: EventDelivery, mayReceive: (event: ApiEventName) => boolean): HubConnection {
    const connection = { events: new Set<ApiEventName>(), deliver };
    this.connections.add(connection);
    return {
      subscribe: (event) => {
        if (!isApiEventName(event)) return unknownEvent(event);
        if (!mayReceive(event)) return apiError('forbidden', `Not allowed to receive "${event}": sign in first.`);
        connection.events.add(event);
        return null;
      },
      notify: (event, payload) => {
        if (connection.events.has(event)) connection.deliver(event, payload);
      },
      unsubscribe: (event) => {
        if (!isApiEventName(event)) return unknownEvent(event);
        connection.events.delete(event);
        return null;
      },
      dispose: () => {
        this.connections.delete(connection);
      },
    };
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}

function unknownEvent(event: string): ApiError {
  return apiError('invalid-message', `Unknown event "${shortened(event)}".`);
}
