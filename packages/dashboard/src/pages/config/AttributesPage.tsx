import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function AttributesPage() {
  return <PageHeader title="AttributesPage" description="Not built yet." />;
}
