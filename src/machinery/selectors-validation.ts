/**
 * The name checks label selectors apply (as upstream's validation.IsQualifiedName and
 * IsValidLabelValue): each returns every problem found, an empty list when the input is valid.
 */

const labelValueMaxLength = 63;
const qualifiedNameMaxLength = 63;
const dnsSubdomainMaxLength = 253;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const nameCharsMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A label key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dnsSubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  } else {
    return [`a qualified name ${nameCharsMessage}, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > qualifiedNameMaxLength) errors.push(`name part must be no more than ${qualifiedNameMaxLength} characters`);
  if (name.length > 0 && !qualifiedNamePart.test(name)) errors.push(`name part ${nameCharsMessage}`);
  return errors;
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > labelValueMaxLength) errors.push(`must be no more than ${labelValueMaxLength} characters`);
  if (!labelValuePattern.test(value)) errors.push(`a valid label ${nameCharsMessage}`);
  return errors;
}

/** A DNS-1123 subdomain: lowercase labels joined by dots, at most 253 characters. */
export function dnsSubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > dnsSubdomainMaxLength) errors.push(`must be no more than ${dnsSubdomainMaxLength} characters`);
  if (!dnsSubdomainPattern.test(value)) {
    errors.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}
