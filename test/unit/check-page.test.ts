import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkAnswerFromForm, checkPageFields, type PageFieldSpec } from '../../src/security/check-page.js';
import { pinCodeCheck } from '../../src/security/checks/pin-code.js';
import { userLoginCheck } from '../../src/security/checks/user-login.js';
import { defineSecurityCheck, SecurityCheckDefinitionError, success } from '../../src/security/security-check.js';
import type { PasswordSignIn } from '../../src/users/password-sign-in.js';
import type { PageField } from '../../src/sign-in-pages/page-view.js';

const pinCode = pinCodeCheck({ maxAttempts: 3, blockSeconds: 300, successLifetime: 3600, pinMatches: () => false, hasPin: () => true });
const userLogin = userLoginCheck({ signIn: {} as PasswordSignIn, successLifetime: 3600, rememberMeLifetime: 86_400 });
const plain = defineSecurityCheck({ name: 'Plain', successLifetime: 60, evaluate: () => success() });

describe('checkPageFields', () => {
  it('gives PinCode one numeric one-time-code password field', () => {
    expect(checkPageFields(pinCode, { remainingAttempts: 3 })).toEqual([{ name: 'pin', label: 'field.pin', type: 'password', inputMode: 'numeric', autocomplete: 'one-time-code', required: true }]);
  });

  it('gives UserLogin username, password and remember-me', () => {
    expect(checkPageFields(userLogin, { fields: ['username', 'password', 'rememberMe'] })).toEqual([
      { name: 'username', label: 'field.username', type: 'text', autocomplete: 'username', required: true },
      { name: 'password', label: 'field.password', type: 'password', autocomplete: 'current-password', required: true },
      { name: 'rememberMe', label: 'field.rememberMe', type: 'checkbox' },
    ]);
  });

  it('derives fields from the challenge’s field names: passwords and PINs hidden, unsafe names left out', () => {
    expect(checkPageFields(plain, { fields: ['deviceTag', 'userPin', 'Password2', 'deviceTag', '"><x', 42, 'csrf'] })).toEqual([
      { name: 'deviceTag', label: 'field.deviceTag', type: 'text' },
      { name: 'userPin', label: 'field.userPin', type: 'password' },
      { name: 'Password2', label: 'field.Password2', type: 'password' },
    ]);
  });

  it('falls back to one text field named answer', () => {
    expect(checkPageFields(plain, { hint: 'send the device tag' })).toEqual([{ name: 'answer', label: 'field.answer', type: 'text', required: true }]);
    expect(checkPageFields(plain, { fields: [] })).toEqual([{ name: 'answer', label: 'field.answer', type: 'text', required: true }]);
  });

  it('returns copies the caller may change', () => {
    const fields = checkPageFields(pinCode, {});
    (fields[0] as PageFieldSpec).label = 'changed';
    expect(checkPageFields(pinCode, {})[0]?.label).toBe('field.pin');
  });

  it('declares fields the pages can render as they are', () => {
    expectTypeOf<PageFieldSpec>().toEqualTypeOf<PageField>();
  });
});

describe('checkAnswerFromForm', () => {
  it('answers PinCode with the PIN string', () => {
    expect(checkAnswerFromForm(pinCode, { csrf: 't', pin: '2718' })).toBe('2718');
    expect(checkAnswerFromForm(pinCode, { csrf: 't' })).toBe('');
  });

  it('answers UserLogin with an object, remember-me as a boolean', () => {
    expect(checkAnswerFromForm(userLogin, { csrf: 't', username: 'alice', password: 'pw', rememberMe: 'true' })).toEqual({ username: 'alice', password: 'pw', rememberMe: true });
    expect(checkAnswerFromForm(userLogin, { username: 'alice', password: 'pw' })).toEqual({ username: 'alice', password: 'pw', rememberMe: false });
    expect(checkAnswerFromForm(userLogin, { username: 'alice', password: 'pw', rememberMe: 'off' })).toEqual({ username: 'alice', password: 'pw', rememberMe: false });
  });

  it('uses a check’s own answer function', () => {
    const check = defineSecurityCheck<number>({
      name: 'Sum',
      successLifetime: 60,
      page: {
        fields: [
          { name: 'a', label: 'A', type: 'number' },
          { name: 'b', label: 'B', type: 'number' },
          { name: 'sure', label: 'Sure', type: 'checkbox' },
        ],
        answer: (values) => Number(values.a) + Number(values.b) + (values.sure === 'true' ? 100 : 0),
      },
      evaluate: () => success(),
    });
    expect(checkAnswerFromForm(check, { a: '2', b: '3', sure: 'on' })).toBe(105);
  });

  it('takes only the fields the challenge named, or the lone answer', () => {
    expect(checkAnswerFromForm(plain, { csrf: 't', deviceTag: 'tag-1', extra: 'x' }, { fields: ['deviceTag'] })).toEqual({ deviceTag: 'tag-1' });
    expect(checkAnswerFromForm(plain, { csrf: 't', answer: 'tag-ok' }, { hint: 'x' })).toBe('tag-ok');
    expect(checkAnswerFromForm(plain, { csrf: 't', answer: 'tag-ok' })).toBe('tag-ok');
    expect(checkAnswerFromForm(plain, { csrf: 't' })).toBe('');
    expect(checkAnswerFromForm(plain, { csrf: 't', code: '1', serial: '2' })).toEqual({ code: '1', serial: '2' });
  });
});

describe('defineSecurityCheck with a page', () => {
  const define = (page: unknown) => () => defineSecurityCheck({ name: 'X', successLifetime: 60, page: page as never, evaluate: () => success() });

  it('refuses pages the pages could not render safely', () => {
    expect(define({ fields: [] })).toThrow(new SecurityCheckDefinitionError('security check X: page fields must be a non-empty list'));
    expect(define({ fields: [{ name: '"><x', label: 'L', type: 'text' }] })).toThrow(SecurityCheckDefinitionError);
    expect(define({ fields: [{ name: 'csrf', label: 'L', type: 'text' }] })).toThrow(SecurityCheckDefinitionError);
    expect(
      define({
        fields: [
          { name: 'a', label: 'L', type: 'text' },
          { name: 'a', label: 'L', type: 'text' },
        ],
      }),
    ).toThrow(/declared twice/);
    expect(define({ fields: [{ name: 'a', label: '', type: 'text' }] })).toThrow(/label/);
    expect(define({ fields: [{ name: 'a', label: 'L', type: 'file' }] })).toThrow(/type/);
    expect(define({ fields: [{ name: 'a', label: 'L', type: 'text', autocomplete: 'x" onfocus="y' }] })).toThrow(/autocomplete/);
    expect(define({ fields: [{ name: 'a', label: 'L', type: 'text', inputMode: 'tel' }] })).toThrow(/inputMode/);
    expect(define({ fields: [{ name: 'a', label: 'L', type: 'text' }], answer: 'x' })).toThrow(/answer/);
    expect(define({ fields: [{ name: 'a', label: 'L', type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true }] })).not.toThrow();
  });
});
