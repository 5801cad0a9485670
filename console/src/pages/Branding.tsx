import { useEffect, useState, type FormEvent } from 'react';
import type { BrandingJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { checkBrandingForm, notSavedText } from '../settings-checks';
import { useUnsavedChanges } from '../unsaved-changes';
import { Alert, Field, errorText, fieldErrorsOf } from '../ui';

const COLOUR = /^#[0-9a-f]{6}$/i;

/** Relative luminance of a #rrggbb colour (WCAG 2.2). */
function luminance(colour: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((start) => {
    const channel = parseInt(colour.slice(start, start + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** sessionStorage key of the branding form kept across an expired session (no secrets in it). */
const KEPT_BRANDING = 'branding';

const DARK = '#111111';
const LIGHT = '#ffffff';

/** Near black or white, whichever has the higher contrast on the colour (the rule of src/sign-in-pages/colours.ts). */
function textOn(colour: string): string {
  const background = luminance(colour);
  const dark = (Math.max(background, luminance(DARK)) + 0.05) / (Math.min(background, luminance(DARK)) + 0.05);
  const light = (1 + 0.05) / (background + 0.05);
  return dark >= light ? DARK : LIGHT;
}

/** A colour field: the #rrggbb text, with a swatch of it beside. */
function ColourField(props: { label: string; name: 'primary_colour' | 'background_colour'; value: string; error: string | undefined; hint: string; onChange: (value: string) => void }) {
  const valid = COLOUR.test(props.value);
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <div className="colour-row">
          <input
            id={id}
            name={props.name}
            value={props.value}
            spellCheck={false}
            autoComplete="off"
            placeholder="#rrggbb"
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(event) => props.onChange(event.target.value.trim())}
          />
          <span className={valid ? 'swatch' : 'swatch swatch-none'} data-testid={`${props.name}-swatch`} aria-hidden="true" style={valid ? { backgroundColor: props.value } : undefined} />
        </div>
      )}
    </Field>
  );
}

/** Product name, logo and colours of the hosted sign-in pages (the `branding` setting), with a preview. */
export function Branding() {
  const [branding, setBranding] = useState<BrandingJson | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  /** What the server holds: the form is unsaved while it differs. */
  const [saved, setSaved] = useState<BrandingJson | null>(null);
  const dirty = JSON.stringify(branding) !== JSON.stringify(saved);
  useUnsavedChanges(dirty, confirm);
  useKeptEdit(KEPT_BRANDING, dirty ? branding : null);
  const [restored, setRestored] = useState(false);

  const show = (found: BrandingJson) => {
    setSaved(found);
    setBranding(found);
  };
  useEffect(() => {
    // An edit kept when the session expired comes back over what the server holds.
    const kept = takeKeptEdit<BrandingJson>(KEPT_BRANDING);
    api<BrandingJson>('GET', '/branding').then(
      (found) => {
        show(found);
        if (kept) {
          setBranding({ ...found, ...kept });
          setRestored(true);
        }
      },
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  }, []);

  async function put(body: Partial<BrandingJson>, done: string) {
    setErrors({});
    setMessage(null);
    setRestored(false);
    try {
      show(await api<BrandingJson>('PUT', '/branding', body));
      setMessage({ kind: 'success', text: done });
    } catch (failure) {
      const fieldErrors = fieldErrorsOf(failure);
      setErrors(fieldErrors);
      setMessage({ kind: 'error', text: Object.keys(fieldErrors).length > 0 ? notSavedText(fieldErrors) : `Not saved: ${errorText(failure)}` });
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!branding) return;
    const body = { ...branding, logo_url: branding.logo_url?.trim() ? branding.logo_url.trim() : null };
    // Every bad value is marked at once, before anything is sent; the server checks the same rules again.
    const invalid = checkBrandingForm(body);
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setMessage({ kind: 'error', text: notSavedText(invalid) });
      setRestored(false);
      return;
    }
    void put(body, 'Branding saved; the sign-in pages of every instance show it.');
  }

  async function reset() {
    const confirmed = await confirm({
      title: 'Reset the branding?',
      body: <p>The sign-in pages of every instance go back to the defaults: Gatehouse, no logo, blue on white. The current name, logo and colours are not kept.</p>,
      action: 'Reset branding to the defaults',
    });
    if (confirmed) void put({}, 'Branding reset to the defaults.');
  }

  const set = <K extends keyof BrandingJson>(name: K, value: BrandingJson[K]) => branding && setBranding({ ...branding, [name]: value });
  const background = branding && COLOUR.test(branding.background_colour) ? branding.background_colour : '#ffffff';
  const primary = branding && COLOUR.test(branding.primary_colour) ? branding.primary_colour : '#1f5fbf';

  return (
    <section aria-labelledby="branding-title">
      <h1 id="branding-title">Branding</h1>
      <p className="lead">How the hosted sign-in, consent and account pages look: the product name, a logo and two colours.</p>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {restored && dirty && <Alert kind="info">Your unsaved branding changes from before the session expired are back: check them and save.</Alert>}
      {branding && (
        <div className="branding-layout">
          <form className="card form" onSubmit={save} noValidate aria-label="Branding">
            <Field label="Product name" error={errors.product_name} hint="Shown at the top of every page (and as the logo's text alternative), up to 100 characters.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="product_name"
                  value={branding.product_name}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('product_name', event.target.value)}
                />
              )}
            </Field>
            <Field label="Logo URL" error={errors.logo_url} hint="Optional: an https URL of an image. Empty: the product name in text.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="logo_url"
                  type="url"
                  value={branding.logo_url ?? ''}
                  placeholder="https://cdn.example.com/logo.svg"
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('logo_url', event.target.value === '' ? null : event.target.value)}
                />
              )}
            </Field>
            <div className="grid-2">
              <ColourField
                label="Primary colour"
                name="primary_colour"
                value={branding.primary_colour}
                error={errors.primary_colour}
                hint="Buttons and links, as #rrggbb."
                onChange={(value) => set('primary_colour', value)}
              />
              <ColourField
                label="Background colour"
                name="background_colour"
                value={branding.background_colour}
                error={errors.background_colour}
                hint="The page behind the form, as #rrggbb."
                onChange={(value) => set('background_colour', value)}
              />
            </div>
            <div className="actions">
              <button type="submit">Save branding</button>
              <button type="button" className="button-secondary" onClick={() => void reset()}>
                Reset to defaults
              </button>
            </div>
          </form>
          <section className="card" aria-labelledby="preview-title">
            <h2 id="preview-title">Preview</h2>
            <p className="hint">Unsaved changes show here first. The text colours are chosen for contrast, as the pages choose them.</p>
            <div className="branding-preview" data-testid="branding-preview" style={{ backgroundColor: background, color: textOn(background) }}>
              <p className="branding-preview-name">{branding.product_name.trim() || 'Gatehouse'}</p>
              {branding.logo_url && <p className="branding-preview-logo">Logo: {branding.logo_url}</p>}
              <div className="branding-preview-card">
                <p>Sign in to continue</p>
                <span className="branding-preview-button" style={{ backgroundColor: primary, color: textOn(primary) }}>
                  Sign in
                </span>
              </div>
            </div>
          </section>
        </div>
      )}
    </section>
  );
}
