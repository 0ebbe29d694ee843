import type { Queryable } from '#platform/database/database';
import type { NewUser, User, UserCredentials } from './users.model.js';

export interface UsersRepository {
  /** Inserts the user, or returns null when the email is already taken. */
  insert(user: NewUser): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
}

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  created_at: Date;
}

interface CredentialsRow extends UserRow {
  password_hash: string;
}

// Explicit columns: a new column is never fetched (or leaked) by accident.
const USER_COLUMNS = 'id, email, name, created_at';

export class SqlUsersRepository implements UsersRepository {
  constructor(private readonly db: Queryable) {}

  async insert(user: NewUser): Promise<User | null> {
    // ON CONFLICT instead of check-then-insert: two concurrent sign-ups with one email cannot both win.
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [user.email, user.name, user.passwordHash],
    );
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async findById(id: string): Promise<User | null> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    const { rows } = await this.db.query<CredentialsRow>(
      `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = $1`,
      [email],
    );
    const row = rows[0];
    return row === undefined ? null : { user: toUser(row), passwordHash: row.password_hash };
  }
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}
