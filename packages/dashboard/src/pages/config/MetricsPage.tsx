import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function MetricsPage() {
  return <PageHeader title="MetricsPage" description="Not built yet." />;
}
