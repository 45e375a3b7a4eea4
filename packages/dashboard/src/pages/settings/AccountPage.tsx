import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function AccountPage() {
  return <PageHeader title="AccountPage" description="Not built yet." />;
}
