import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function UsersPage() {
  return <PageHeader title="UsersPage" description="Not built yet." />;
}
