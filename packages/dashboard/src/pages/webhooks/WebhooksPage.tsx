import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function WebhooksPage() {
  return <PageHeader title="WebhooksPage" description="Not built yet." />;
}
