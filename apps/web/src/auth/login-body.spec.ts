import { loginBody } from './login-body';

describe('the login form body', () => {
  it('sends an email address as email', () => {
    expect(loginBody(' admin@example.com ', 'pw')).toEqual({ email: 'admin@example.com', password: 'pw' });
  });

  it('sends anything else as the username a NewAPI user signs in with', () => {
    expect(loginBody('alice', 'pw')).toEqual({ username: 'alice', password: 'pw' });
    expect(loginBody('爱丽丝', 'pw')).toEqual({ username: '爱丽丝', password: 'pw' });
    // NewAPI does not forbid an @ in a username; one that is no address is still a username.
    expect(loginBody('a@b', 'pw')).toEqual({ username: 'a@b', password: 'pw' });
  });
});
