import type { Trigger } from '../../../api/config';
import { Notice } from '../../../ui/feedback';

/** Said wherever an achievement goes live or its rule changes: completions are granted at once, silently. */
export function BackdateWarning({ trigger, reason }: { trigger: Trigger; reason: 'activate' | 'rule' }) {
  // API-triggered achievements are never backdated: only the API call completes them.
  if (trigger === 'api') return null;
  return (
    <Notice kind="warning">
      <strong>{reason === 'activate' ? 'Activating backdates this achievement.' : 'Changing the rule of a live achievement backdates it.'}</strong>
      <span>
        Every user who already meets the rule gets it immediately, stamped with the time of this change. No webhooks are sent for these
        completions, and completions are never taken away.
      </span>
    </Notice>
  );
}
