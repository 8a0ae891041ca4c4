/**
 * Whether self-service sign-up is open. A port: the settings lib provides it (an operator switches
 * sign-up from the dashboard), so identity need not depend on settings; without it the
 * PUBLIC_REGISTRATION environment variable decides.
 */
export abstract class RegistrationPolicy {
  abstract isOpen(): Promise<boolean>;
}
