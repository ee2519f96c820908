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
		args := make([]any, 0, n*len(chunk[0]))
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := head + " VALUES " + valuesList(n, len(chunk[0])) + " " + tail
		if _, err := tx.ExecContext(ctx, db.rebind(q), args...); err != nil {
			return err
		}
	}
	return nil
}

// valuesList is the "(?, ?), (?, ?)" of an INSERT of rows rows of cols
// values each.
func valuesList(rows, cols int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// placeholders is the "?, ?, ?" of n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// stringRows is what stringSet reads of sql.Rows and pgx.Rows.
type stringRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// stringSet reads rows of one text column into a set; the caller closes
// rows.
func stringSet(rows stringRows) (map[string]bool, error) {
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}
