import { useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { PtzControl, isMoving, type PtzControlState, type PtzVelocity } from './ptz-control.js';

/** Half speed from the pad: a wall operator aims more often than sweeps. */
const SPEED = 0.5;
const turn = (pan: number, tilt: number): PtzVelocity => ({ pan: pan * SPEED, tilt: tilt * SPEED, zoom: 0 });
const UP = turn(0, 1);
const DOWN = turn(0, -1);
const LEFT = turn(-1, 0);
const RIGHT = turn(1, 0);
const ZOOM_IN: PtzVelocity = { pan: 0, tilt: 0, zoom: SPEED };
const ZOOM_OUT: PtzVelocity = { pan: 0, tilt: 0, zoom: -SPEED };

const PAD: { key: string; label: string; velocity: PtzVelocity | null }[] = [
  { key: 'up-left', label: '↖', velocity: turn(-1, 1) },
  { key: 'up', label: '↑', velocity: UP },
  { key: 'up-right', label: '↗', velocity: turn(1, 1) },
  { key: 'left', label: '←', velocity: LEFT },
  { key: 'home', label: '⌂', velocity: null },
  { key: 'right', label: '→', velocity: RIGHT },
  { key: 'down-left', label: '↙', velocity: turn(-1, -1) },
  { key: 'down', label: '↓', velocity: DOWN },
  { key: 'down-right', label: '↘', velocity: turn(1, -1) },
];

/**
 * PTZ controls on a focused tile of a camera whose head the backend drives: press and hold to turn or zoom, let go to
 * stop; the camera's position (where it reports one) and any refusal are shown.
 */
export function PtzPad({ cameraId }: { cameraId: string }) {
  const t = useTranslation();
  const model = useAppModel();
  const [state, setState] = useState<PtzControlState>({ moving: null, position: null, problem: null });
  // Made in an effect, not a memo: its disposal is the effect's cleanup, which StrictMode also runs once at mount.
  const control = useRef<PtzControl | null>(null);
  useEffect(() => {
    const made = new PtzControl(model.host.bridge, cameraId, setState);
    control.current = made;
    // The keys (arrows, + and -, Home) are the registry's PTZ actions, carried out here while the pad is shown: held,
    // they move the camera until let go.
    const hold = (velocity: PtzVelocity) => () => {
      made.move(velocity);
      return () => made.stop();
    };
    const withdraw = [
      model.intents.provide('ptz.up', hold(UP)),
      model.intents.provide('ptz.down', hold(DOWN)),
      model.intents.provide('ptz.left', hold(LEFT)),
      model.intents.provide('ptz.right', hold(RIGHT)),
      model.intents.provide('ptz.zoomIn', hold(ZOOM_IN)),
      model.intents.provide('ptz.zoomOut', hold(ZOOM_OUT)),
      model.intents.provide('ptz.home', () => made.home()),
    ];
    return () => {
      for (const stop of withdraw) stop();
      made.dispose();
      if (control.current === made) control.current = null;
    };
  }, [model, cameraId]);

  const position = state.position;
  return (
    <div className="ptz-pad" data-testid="ptz-pad" data-moving={state.moving ? 'yes' : 'no'} role="group" aria-label={t('video.ptz')}>
      <div className="ptz-directions">
        {PAD.map((button) =>
          button.velocity === null ? (
            <button type="button" key={button.key} data-testid="ptz-home" title={t('video.ptzHome')} onClick={() => control.current?.home()}>
              {button.label}
            </button>
          ) : (
            <HoldButton key={button.key} control={control} velocity={button.velocity} testId={`ptz-${button.key}`} pressed={isMoving(state.moving, button.velocity)}>
              {button.label}
            </HoldButton>
          ),
        )}
      </div>
      <div className="ptz-zoom">
        <HoldButton control={control} velocity={ZOOM_IN} testId="ptz-zoom-in" title={t('video.ptzZoomIn')} pressed={isMoving(state.moving, ZOOM_IN)}>
          ＋
        </HoldButton>
        <HoldButton control={control} velocity={ZOOM_OUT} testId="ptz-zoom-out" title={t('video.ptzZoomOut')} pressed={isMoving(state.moving, ZOOM_OUT)}>
          －
        </HoldButton>
      </div>
      {position && (
        <div className="ptz-position muted" data-testid="ptz-position" data-pan={position.pan.toFixed(3)} data-tilt={position.tilt.toFixed(3)} data-zoom={position.zoom.toFixed(2)}>
          {t('video.ptzPan')} {Math.round(position.pan * 100)}% · {t('video.ptzTilt')} {Math.round(position.tilt * 100)}% · {position.zoom.toFixed(1)}×
        </div>
      )}
      {state.problem && (
        <div className="ptz-problem" role="alert" data-testid="ptz-problem">
          {state.problem}
        </div>
      )}
    </div>
  );
}

/** A button that moves the camera while it is held down and stops it when let go (also outside the button). */
function HoldButton({
  control,
  velocity,
  testId,
  title,
  pressed,
  children,
}: {
  control: RefObject<PtzControl | null>;
  velocity: PtzVelocity;
  testId: string;
  title?: string;
  pressed: boolean;
  children: string;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      title={title}
      aria-pressed={pressed}
      onPointerDown={(event: PointerEvent<HTMLButtonElement>) => {
        // Captured, so letting go outside the button still stops the camera.
        event.currentTarget.setPointerCapture?.(event.pointerId);
        control.current?.move(velocity);
      }}
      onPointerUp={() => control.current?.stop()}
      onPointerCancel={() => control.current?.stop()}
      onLostPointerCapture={() => control.current?.stop()}
    >
      {children}
    </button>
  );
}
