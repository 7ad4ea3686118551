package ticketing

import (
	"slices"
	"sync"
	"time"
)

// Comment is a comment or note on a ticket.
type Comment struct {
	Body   string
	Public bool
	At     time.Time
}

// Attachment is a file attached to a ticket.
type Attachment struct {
	Name    string
	Content []byte
}

// Record is a ticket as an emulator stores it, in the vendor's own vocabulary (status names,
// priority names, custom field names).
type Record struct {
	// ID is the vendor's identifier; Key the human-facing reference.
	ID  string
	Key string

	Subject     string
	Description string
	Status      string
	Priority    string
	Requester   string
	// Fields holds custom fields by the vendor's field name.
	Fields map[string]string
	// Labels holds Jira labels or Freshdesk tags.
	Labels      []string
	Comments    []Comment
	Attachments []Attachment
	// Resolution is the resolution text or close notes.
	Resolution string
	Created    time.Time
	Updated    time.Time
}

func (r Record) clone() Record {
	c := r
	c.Fields = make(map[string]string, len(r.Fields))
	for k, v := range r.Fields {
		c.Fields[k] = v
	}
	c.Labels = slices.Clone(r.Labels)
	c.Comments = slices.Clone(r.Comments)
	c.Attachments = slices.Clone(r.Attachments)
	return c
}

// IDFunc returns the ID and key of the n-th ticket (counting from 1).
type IDFunc func(n int) (id, key string)

// Store is a concurrency-safe in-memory set of tickets.
type Store struct {
	mu      sync.Mutex
	records map[string]*Record
	order   []string
	count   int
	newID   IDFunc
	now     func() time.Time
}

// NewStore returns an empty store that numbers tickets with newID. A nil now means time.Now.
func NewStore(newID IDFunc, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{records: make(map[string]*Record), newID: newID, now: now}
}

// Create stores r under a new ID and key, unless r already has an ID, and returns the copy
// stored. It is also the seeding API of the demo.
func (s *Store) Create(r Record) Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if r.ID == "" {
		r.ID, r.Key = s.newID(s.count)
	}
	if r.Created.IsZero() {
		r.Created = s.now()
	}
	r.Updated = r.Created
	stored := r.clone()
	s.records[r.ID] = &stored
	s.order = append(s.order, r.ID)
	return stored.clone()
}

// Get returns the ticket with the given ID or key.
func (s *Store) Get(idOrKey string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.find(idOrKey)
	if r == nil {
		return Record{}, false
	}
	return r.clone(), true
}

// Update applies change to the ticket with the given ID or key and returns the result.
func (s *Store) Update(idOrKey string, change func(*Record)) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.find(idOrKey)
	if r == nil {
		return Record{}, false
	}
	change(r)
	r.Updated = s.now()
	return r.clone(), true
}

// Find returns the tickets that match, in creation order.
func (s *Store) Find(match func(Record) bool) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Record
	for _, id := range s.order {
		if r := s.records[id]; match(*r) {
			found = append(found, r.clone())
		}
	}
	return found
}

// All returns every ticket in creation order.
func (s *Store) All() []Record {
	return s.Find(func(Record) bool { return true })
}

// Comments returns the comments of a ticket, oldest first.
func (s *Store) Comments(idOrKey string) []Comment {
	r, _ := s.Get(idOrKey)
	return r.Comments
}

// Status returns the status of a ticket, or "" when it does not exist.
func (s *Store) Status(idOrKey string) string {
	r, _ := s.Get(idOrKey)
	return r.Status
}

// Now returns the store's current time.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) find(idOrKey string) *Record {
	if r, ok := s.records[idOrKey]; ok {
		return r
	}
	for _, r := range s.records {
		if r.Key != "" && r.Key == idOrKey {
			return r
		}
	}
	return nil
}
