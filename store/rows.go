package store

import (
	"context"
	"database/sql"
	"strings"
)

// maxRowsPerInsert bounds the rows of one multi-row INSERT. Rows go in
// statements of 64, 32, … 1 rows (a 1,000-row write is 17 statements, not
// 1,000 round trips), so each table has at most seven statement texts for
// the connections' statement caches.
const maxRowsPerInsert = 64

// insertRows runs "head VALUES (…), (…) tail" in tx for rows, each row
// holding one value per column of head, in as few statements as
// maxRowsPerInsert allows. A tail of ON CONFLICT DO UPDATE must not meet
// two rows with the same key in one statement (PostgreSQL refuses it).
func (db *DB) insertRows(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any) error {
	for len(rows) > 0 {
		n := maxRowsPerInsert
		for n > len(rows) {
			n /= 2
		}
		chunk := rows[:n]
		rows = rows[n:]
		marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk[0])), ", ") + ")"
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		args := make([]any, 0, n*len(chunk[0]))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(marks)
			args = append(args, r...)
		}
		b.WriteString(" ")
		b.WriteString(tail)
		if _, err := tx.ExecContext(ctx, db.rebind(b.String()), args...); err != nil {
			return err
		}
	}
	return nil
}
