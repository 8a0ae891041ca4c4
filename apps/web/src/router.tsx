// Every route of the SPA. Pages behind the login load on demand (one chunk each), the login page
// with the app so the first screen needs one request.
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { RequireArea, RequireSession } from './auth/require-session';
import type { Area } from './auth/roles';
import { LoginPage } from './pages/login-page';

const RegisterPage = lazy(() => import('./pages/register-page').then((m) => ({ default: m.RegisterPage })));
const DashboardPage = lazy(() =>
  import('./pages/dashboard-page').then((m) => ({ default: m.DashboardPage })),
);
const ChannelsPage = lazy(() => import('./pages/channels-page').then((m) => ({ default: m.ChannelsPage })));
const ChannelNewPage = lazy(() =>
  import('./pages/channel-new-page').then((m) => ({ default: m.ChannelNewPage })),
);
const ChannelDetailPage = lazy(() =>
  import('./pages/channel-detail-page').then((m) => ({ default: m.ChannelDetailPage })),
);
const ModelChainsPage = lazy(() =>
  import('./pages/model-chains-page').then((m) => ({ default: m.ModelChainsPage })),
);
const ModelsPage = lazy(() => import('./pages/models-page').then((m) => ({ default: m.ModelsPage })));
const TenantsPage = lazy(() => import('./pages/tenants-page').then((m) => ({ default: m.TenantsPage })));
const UsersPage = lazy(() => import('./pages/users-page').then((m) => ({ default: m.UsersPage })));
const TokensPage = lazy(() => import('./pages/tokens-page').then((m) => ({ default: m.TokensPage })));
const UsageLogsPage = lazy(() =>
  import('./pages/usage-logs-page').then((m) => ({ default: m.UsageLogsPage })),
);
const BillingPage = lazy(() => import('./pages/billing-page').then((m) => ({ default: m.BillingPage })));
const PlansPage = lazy(() => import('./pages/plans-page').then((m) => ({ default: m.PlansPage })));
const InvoicesPage = lazy(() => import('./pages/invoices-page').then((m) => ({ default: m.InvoicesPage })));
const InvoiceDetailPage = lazy(() =>
  import('./pages/invoice-detail-page').then((m) => ({ default: m.InvoiceDetailPage })),
);
const PlaygroundPage = lazy(() =>
  import('./pages/playground-page').then((m) => ({ default: m.PlaygroundPage })),
);
const AuditPage = lazy(() => import('./pages/audit-page').then((m) => ({ default: m.AuditPage })));
const SettingsPage = lazy(() => import('./pages/settings-page').then((m) => ({ default: m.SettingsPage })));
const StatusPage = lazy(() => import('./pages/status-page').then((m) => ({ default: m.StatusPage })));
const NotFoundPage = lazy(() => import('./pages/not-found-page').then((m) => ({ default: m.NotFoundPage })));

const guarded = (area: Area, page: ReactNode) => <RequireArea area={area}>{page}</RequireArea>;

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/register',
    element: (
      <Suspense fallback={null}>
        <RegisterPage />
      </Suspense>
    ),
  },
  {
    element: <RequireSession />,
    children: [
      { index: true, element: guarded('dashboard', <DashboardPage />) },
      { path: 'channels', element: guarded('channels', <ChannelsPage />) },
      { path: 'channels/new', element: guarded('channels', <ChannelNewPage />) },
      { path: 'channels/:id', element: guarded('channels', <ChannelDetailPage />) },
      { path: 'model-chains', element: guarded('channels', <ModelChainsPage />) },
      { path: 'models', element: guarded('models', <ModelsPage />) },
      { path: 'tenants', element: guarded('tenants', <TenantsPage />) },
      { path: 'users', element: guarded('users', <UsersPage />) },
      { path: 'tokens', element: guarded('tokens', <TokensPage />) },
      { path: 'usage', element: guarded('usage', <UsageLogsPage />) },
      { path: 'billing', element: guarded('billing', <BillingPage />) },
      { path: 'invoices', element: guarded('invoices', <InvoicesPage />) },
      { path: 'invoices/:id', element: guarded('invoices', <InvoiceDetailPage />) },
      { path: 'plans', element: guarded('plans', <PlansPage />) },
      { path: 'playground', element: guarded('playground', <PlaygroundPage />) },
      { path: 'audit', element: guarded('audit', <AuditPage />) },
      { path: 'status', element: guarded('status', <StatusPage />) },
      { path: 'settings', element: guarded('settings', <SettingsPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
