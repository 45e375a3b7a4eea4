import { PageHeader } from '../../ui/misc';

// Placeholder until this page is built.
export default function ApiKeysPage() {
  return <PageHeader title="ApiKeysPage" description="Not built yet." />;
}
