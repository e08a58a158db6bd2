import { callProblem } from '../../../shared/dispatch/call-problem.js';
import { CallProblemError } from './call-problem-text.js';

/**
 * A group call mixed in the console: every member hears the dispatcher and every other member, so the crews of a
 * group call talk as one conversation without a conference server. kamailio only relays signalling, so the mix has to
 * happen at an end point, and the console is where the dispatcher already is; the cost is one audio stream out per
 * member (about 40 kbit/s of Opus each), which suits the handful to twenty crews a group call rings.
 *
 * Each member's outgoing track is replaced with a mix-minus (dispatcher + the others, never the member's own voice);
 * the original microphone track is put back when the member leaves.
 */
export class ConferenceMixer {
  private readonly context = new AudioContext();
  private readonly microphoneGain: GainNode;
  private microphone: MediaStreamAudioSourceNode | null = null;
  private readonly members = new Map<
    string,
    { remote: MediaStreamAudioSourceNode; mix: MediaStreamAudioDestinationNode; sender: RTCRtpSender; ownTrack: MediaStreamTrack | null }
  >();
  /**
   * The members' own microphone tracks. sip.js stops only the track a sender has when its call ends, which is the mix
   * by then; these stay captured (and the microphone on) until the group is over. The first one also feeds the mix.
   */
  private readonly capturedTracks = new Set<MediaStreamTrack>();

  constructor() {
    this.microphoneGain = this.context.createGain();
  }

  get size(): number {
    return this.members.size;
  }

  /** Adds a member whose call is up: its peer connection's audio sender gets the mix-minus. */
  async add(callId: string, peerConnection: RTCPeerConnection, remoteStream: MediaStream, localStream: MediaStream): Promise<void> {
    if (this.members.has(callId)) return;
    const sender = peerConnection.getSenders().find((candidate) => candidate.track?.kind === 'audio');
    if (!sender || remoteStream.getAudioTracks().length === 0) throw new Error(`call ${callId} has no audio to mix`);
    if (this.microphone === null && localStream.getAudioTracks().length > 0) {
      this.microphone = this.context.createMediaStreamSource(new MediaStream(localStream.getAudioTracks()));
      this.microphone.connect(this.microphoneGain);
    }
    const remote = this.context.createMediaStreamSource(new MediaStream(remoteStream.getAudioTracks()));
    const mix = this.context.createMediaStreamDestination();
    this.members.set(callId, { remote, mix, sender, ownTrack: sender.track });
    if (sender.track) this.capturedTracks.add(sender.track);
    this.rewire();
    // Until the page has had a click, the browser keeps audio contexts suspended and the mix would be silence:
    // then the member keeps hearing the dispatcher alone, and the caller is told why.
    if (this.context.state === 'suspended') await Promise.race([this.context.resume(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (this.context.state !== 'running') throw new CallProblemError(callProblem('mix-suspended'));
    await sender.replaceTrack(mix.stream.getAudioTracks()[0] ?? null);
  }

  async remove(callId: string): Promise<void> {
    const member = this.members.get(callId);
    if (!member) return;
    this.members.delete(callId);
    member.remote.disconnect();
    this.rewire();
    // A member that leaves while its call goes on (the group is broken up) talks with the dispatcher alone again.
    if (member.sender.transport?.state !== 'closed') await member.sender.replaceTrack(member.ownTrack).catch(() => undefined);
  }

  /** The dispatcher's own microphone, muted for the whole group at once. */
  setMicrophoneMuted(muted: boolean): void {
    this.microphoneGain.gain.value = muted ? 0 : 1;
  }

  /** Which members each member hears (for the screen and the tests): never itself. */
  routing(): Record<string, string[]> {
    const ids = [...this.members.keys()];
    return Object.fromEntries(ids.map((id) => [id, ids.filter((other) => other !== id)]));
  }

  async dispose(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.remove(id);
    this.microphone?.disconnect();
    for (const track of this.capturedTracks) track.stop();
    this.capturedTracks.clear();
    await this.context.close();
  }

  private rewire(): void {
    this.microphoneGain.disconnect();
    for (const member of this.members.values()) member.remote.disconnect();
    for (const [id, member] of this.members) {
      this.microphoneGain.connect(member.mix);
      for (const [otherId, other] of this.members) if (otherId !== id) other.remote.connect(member.mix);
    }
  }
}
