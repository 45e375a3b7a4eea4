import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function StreaksPage() {
  return <PageHeader title="StreaksPage" description="Not built yet." />;
}
