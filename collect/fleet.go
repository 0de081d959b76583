package collect

import (
	"context"
	"sync"
)

// DefaultWorkers is used by Fleet when workers <= 0.
const DefaultWorkers = 8

// Fleet collects from targets with at most workers sessions at a time. Results are in target
// order; one host's failure never stops the others (each Result carries its own Err). progress,
// if not nil, is called once per target as it finishes, never concurrently, with done counting
// up from 1 to total. If ctx is canceled, the remaining targets fail fast with ErrCanceled.
func Fleet(ctx context.Context, targets []Target, o Options, workers int, progress func(done, total int, r Result)) []Result {
	results := make([]Result, len(targets))
	if len(targets) == 0 {
		return results
	}
	if workers <= 0 {
		workers = DefaultWorkers
	}
	workers = min(workers, len(targets))

	jobs := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := Collect(ctx, targets[i], o)
				results[i] = r
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(targets), r)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range targets {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}
