/** kubectl output formats: tables, YAML, JSON, names, JSONPath and custom columns. */
export { toYaml, sortYamlKeys, yamlKeyLess } from './yaml.js';
export { toGoJson, toCompactGoJson, toGoJsonTopOrder } from './json.js';
export { formatColumns } from './tabwriter.js';
export { printTable, tableCells, formatLabels } from './table.js';
export type { Table, TableRow, TableColumnDefinition, TablePrintOptions } from './table.js';
export { executeTemplate, evaluate, parsePath, parseTemplate, relaxedExpression, JsonPathError } from './jsonpath.js';
export { printCustomColumns, parseCustomColumns, customColumnCells, goValueText } from './custom-columns.js';
