import { useMutation } from '@tanstack/react-query';
import type { Achievement, AchievementStatus } from '../../../api/config';
import { ConfirmDialog } from '../../../ui/dialog';
import { ErrorNotice } from '../../../ui/feedback';
import { useConfigApi, useInvalidate } from '../queries';
import { BackdateWarning } from './BackdateWarning';

const ACTION: Record<AchievementStatus, string> = { active: 'Activate', locked: 'Lock', inactive: 'Deactivate' };

/** The next status a row's quick action moves to: inactive → active, active → locked, locked → active. */
function nextStatus(status: AchievementStatus): AchievementStatus {
  return status === 'active' ? 'locked' : 'active';
}

export function statusActionLabel(achievement: Achievement): string {
  return achievement.status === 'locked' ? 'Unlock' : ACTION[nextStatus(achievement.status)];
}

export function StatusDialog({ achievement, onClose }: { achievement: Achievement; onClose: () => void }) {
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const to = nextStatus(achievement.status);
  const mutation = useMutation({
    mutationFn: () => calls.achievements.update(achievement.id, { status: to }),
    onSuccess: async () => {
      // Backdating grants completions: user pages change too.
      await invalidate('achievements', 'users');
      onClose();
    },
  });
  const label = statusActionLabel(achievement);

  return (
    <ConfirmDialog open title={`${label} ${achievement.name}?`} confirmLabel={label} busy={mutation.isPending} onConfirm={() => mutation.mutate()} onCancel={onClose}>
      {to === 'active' ? (
        <>
          <p>
            Active achievements are evaluated on every event and listed by <code>GET /v1/achievements</code>.
          </p>
          <BackdateWarning trigger={achievement.trigger} reason="activate" />
        </>
      ) : (
        <p>
          A locked achievement stops completing for anyone new and leaves the public list. Users who hold it keep it and still see it. You can
          unlock it later.
        </p>
      )}
      {mutation.error && <ErrorNotice error={mutation.error} title="Status not changed" />}
    </ConfirmDialog>
  );
}
