import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function MembersPage() {
  return <PageHeader title="MembersPage" description="Not built yet." />;
}
