// A table of rows described by columns: each column has a header, a cell renderer and the
// classes both share (for example `hidden sm:table-cell` to drop it on narrow screens).
import type { HTMLAttributes, ReactNode } from "react";
import { Link } from "react-router";

/** One column: what its header says and how a row fills its cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Classes on both the header and the cells (visibility, width). */
  className?: string;
  /** Classes on the cells only. */
  cellClassName?: string;
}

/** A row's name, linking to the row's own page. */
export function RowLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link className="link font-medium" to={to}>
      {children}
    </Link>
  );
}

/** A column shown only when `shown`: for tables that leave one out in some places. */
export const optional = <T,>(shown: boolean, column: Column<T>): Column<T>[] => (shown ? [column] : []);

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  caption,
  label,
  className = "w-full",
}: {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Extra attributes of a row: test ids, highlight. */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & { "data-testid"?: string; "data-highlight"?: boolean };
  /** For screen readers. */
  caption?: string;
  label?: string;
  className?: string;
}) {
  return (
    <div className="card overflow-x-auto p-0">
      <table className={className} aria-label={label}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead className="border-b border-slate-200">
          <tr>
            {columns.map((c) => (
              <th key={c.header} className={`th ${c.className ?? ""}`.trim()}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const { className: rowClass, ...props } = rowProps?.(row) ?? {};
            return (
              <tr key={rowKey(row)} className={`border-b border-slate-100 last:border-0 ${rowClass ?? ""}`.trim()} {...props}>
                {columns.map((c) => (
                  <td key={c.header} className={`td ${c.className ?? ""} ${c.cellClassName ?? ""}`.replace(/\s+/g, " ").trim()}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
