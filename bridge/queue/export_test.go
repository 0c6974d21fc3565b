package queue

import "context"

// WaitForKey is the worker's wait for a key (get without a poll interval).
func (q *Queue) WaitForKey(ctx context.Context) (Lease, error) { return q.get(ctx, 0) }

// AnnounceKeys hands out n wake-up tokens, as n adds on this replica do.
func (q *Queue) AnnounceKeys(n int) {
	for range n {
		q.wake.signal()
	}
}
