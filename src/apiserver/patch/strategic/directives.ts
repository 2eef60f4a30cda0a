/** The strategic merge patch directive keys, as upstream spells them. */
export const DIRECTIVE_MARKER = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
export const SET_ELEMENT_ORDER = '$setElementOrder/';

export const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
export const NO_LIST_OF_LISTS = 'lists of lists are not supported';
