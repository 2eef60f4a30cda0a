/** Informers (list + watch into a local cache), their shared factory and listers. */
export { Informer, listWatchFor, stripManagedFields } from './informer.js';
export type { ListWatch, EventHandlers, InformerOptions } from './informer.js';
export { SharedInformerFactory } from './factory.js';
export type { InformerScope } from './factory.js';
export { ObjectCache, keyOf, splitKey } from './cache.js';
export { Lister } from './lister.js';
