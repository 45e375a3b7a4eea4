import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function EnvironmentsPage() {
  return <PageHeader title="EnvironmentsPage" description="Not built yet." />;
}
