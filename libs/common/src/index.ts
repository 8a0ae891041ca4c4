// What every domain shares and no domain owns: the domain-error base and the /api paging and
// parameter primitives. Nothing here knows a domain, a table or a provider.
export {};
