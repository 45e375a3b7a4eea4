import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function UserDetailPage() {
  return <PageHeader title="UserDetailPage" description="Not built yet." />;
}
