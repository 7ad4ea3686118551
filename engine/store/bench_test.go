package store

import (
	"context"
	"os"
	"testing"
)

// BenchmarkCommit commits a typical transition (two history events and the thread's
// checkpoint) and reports commits per second and database bytes per transition.
func BenchmarkCommit(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			ctx := context.Background()
			path := b.TempDir() + "/engine.db"
			s, err := Open(ctx, path, Options{Synchronous: sync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			putMachine(b, s)
			arn := startExecution(b, s, "bench")
			before := dbBytes(b, s, path)

			b.ResetTimer()
			for i := range b.N {
				if err := s.Commit(ctx, transition(arn, "", int64(2*i), "S")); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()

			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			b.ReportMetric(float64(dbBytes(b, s, path)-before)/float64(b.N), "bytes/transition")
		})
	}
}

// dbBytes moves the WAL into the database file and returns the file's size.
func dbBytes(b *testing.B, s *Store, path string) int64 {
	b.Helper()
	if _, err := s.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}
