// Problems and warnings, announced to assistive tech (role="alert") and dismissible.

import { dismissBanner, useStore } from '../store';

export function Banners() {
  const banners = useStore((s) => s.banners);
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((banner) => (
        <div key={banner.id} className={`banner banner-${banner.tone}`} role="alert">
          <span>{banner.text}</span>
          <button type="button" className="banner-close" aria-label="Dismiss this message" onClick={() => dismissBanner(banner.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
