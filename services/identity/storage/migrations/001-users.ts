import { keyText, type ServiceMigration } from '@agora/chassis';

export const createUsers: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('users')
      .addColumn('id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('email', keyText(dialect, 255), (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', keyText(dialect), (c) => c.primaryKey())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
