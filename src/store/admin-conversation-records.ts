/**
 * An Admin Agent conversation as stored: whose it is, and its state (messages, plans, what each
 * applied plan changed, sealed secret-slot values) as one JSON document, since it is only ever
 * read and written whole by its owner's turns.
 */
export interface AdminConversationRecord {
  id: string;
  orgId: string;
  /** The person (or service account, or ownerless key) the conversation belongs to. */
  ownerId: string;
  title: string;
  /** The conversation's state; its shape belongs to src/admin-agent (versioned there). */
  state: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface AdminConversationRepository {
  insert(record: AdminConversationRecord): Promise<void>;
  update(record: AdminConversationRecord): Promise<void>;
  findById(id: string): Promise<AdminConversationRecord | undefined>;
  /** The owner's conversations, newest first, without their state. */
  listByOwner(orgId: string, ownerId: string, limit: number): Promise<Array<Omit<AdminConversationRecord, 'state'>>>;
}
