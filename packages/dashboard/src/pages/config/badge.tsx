import { useState } from 'react';
import { TextField } from '../../ui/form';

/** A badge image in a list, or the first letter of the name when there is none (or it does not load). */
export function BadgeThumb({ name, url }: { name: string; url: string | null | undefined }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <div className="badge-thumb badge-thumb-empty" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </div>
    );
  }
  return <img className="badge-thumb" src={url} alt="" loading="lazy" onError={() => setFailed(true)} />;
}

function BadgePreview({ url }: { url: string }) {
  const [failed, setFailed] = useState<string>();
  const valid = /^https?:\/\/\S+$/i.test(url.trim());
  if (!valid || failed === url) return <div className="badge-preview badge-preview-empty" aria-hidden="true" />;
  return <img className="badge-preview" src={url.trim()} alt="Badge preview" onError={() => setFailed(url)} />;
}

/** The badge's URL with a preview of the image beside it. */
export function BadgeUrlField({ value, onChange, error }: { value: string; onChange: (url: string) => void; error: string | undefined }) {
  return (
    <div className="badge-url-row">
      <TextField
        label="Badge URL"
        type="url"
        inputMode="url"
        placeholder="https://example.com/badge.png"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        hint="Optional absolute http(s) URL of the image."
      />
      <BadgePreview url={value} />
    </div>
  );
}
