import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function WebhookDetailPage() {
  return <PageHeader title="WebhookDetailPage" description="Not built yet." />;
}
