// The users module's domain types, shared by its three layers.

/** A user as the application sees it: the password hash is not part of it. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: Date;
}

/** Only for checking a password at login, inside the service; never returned by the API. */
export interface UserCredentials {
  readonly user: User;
  readonly passwordHash: string;
}

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}
