import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function AchievementsPage() {
  return <PageHeader title="AchievementsPage" description="Not built yet." />;
}
