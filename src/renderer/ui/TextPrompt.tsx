import { useState } from 'react';
import { useTranslation } from '../i18n/use-translation.js';

export interface TextPromptRequest {
  question: string;
  initial?: string;
  onAnswer(answer: string): void;
}

/**
 * Asks for one line of text in the page itself: Electron does not implement window.prompt, and a wall console should
 * not depend on the browser's own dialog.
 */
export function TextPrompt({ request, onClose }: { request: TextPromptRequest; onClose: () => void }) {
  const t = useTranslation();
  const [value, setValue] = useState(request.initial ?? '');
  const answer = value.trim();
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label={request.question}>
      <form
        className="dialog text-prompt"
        data-testid="text-prompt"
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
        onSubmit={(event) => {
          event.preventDefault();
          if (answer === '') return;
          request.onAnswer(answer);
          onClose();
        }}
      >
        <label>
          {request.question}
          <input autoFocus value={value} maxLength={200} onChange={(event) => setValue(event.target.value)} data-testid="text-prompt-input" />
        </label>
        <div className="step-actions">
          <button type="submit" disabled={answer === ''} data-testid="text-prompt-ok">
            {t('prompt.ok')}
          </button>
          <button type="button" onClick={onClose}>
            {t('prompt.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
