/** Verification methods and statuses, with the ids and names of the public Trust Swiftly API. */
export const METHODS: Readonly<Record<number, string>> = {
  1: 'Email',
  2: 'Phone',
  3: 'Document',
  4: 'PayPal',
  5: 'Video',
  6: 'Voice',
  7: 'Secure Card',
  8: 'Geolocation',
  9: 'Social Account',
  10: 'Two-Step Authentication',
  11: 'Bank',
  12: 'Live Video',
};

export const STATUSES: Readonly<Record<number, string>> = {
  0: 'Pending',
  1: 'Processing',
  2: 'Complete',
  3: 'Rejected',
  4: 'Complete In Review',
  5: 'Reset',
  6: 'Removed',
};

export const COMPLETE = 2;

/** What a new user gets when the tenant has no default template of its own. */
export const BUILT_IN_DEFAULT_METHODS = [1, 2, 3];

export const isMethod = (id: number) => Object.hasOwn(METHODS, id);
export const isStatus = (value: number) => Object.hasOwn(STATUSES, value);

export function describeVerification(v: { methodId: number; status: number }) {
  return {
    id: v.methodId,
    name: METHODS[v.methodId] ?? `Method ${v.methodId}`,
    status: { value: v.status, friendly: STATUSES[v.status] ?? 'Unknown' },
  };
}
