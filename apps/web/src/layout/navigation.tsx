// The side navigation: one entry per page, shown only to the roles that may open it (auth/roles.ts).
import {
  ApiOutlined,
  BranchesOutlined,
  SettingOutlined,
  AppstoreOutlined,
  AuditOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileTextOutlined,
  HeartOutlined,
  KeyOutlined,
  LineChartOutlined,
  MessageOutlined,
  ShopOutlined,
  TeamOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { type Area, canSee, type Role } from '../auth/roles';

export interface NavEntry {
  area: Area;
  /** Tells apart two entries of one area (its data-testid); the area's name when absent. */
  id?: string;
  path: string;
  icon: ReactNode;
  label: string;
}

export function navigationFor(role: Role, t: TFunction): NavEntry[] {
  const entries: NavEntry[] = [
    { area: 'dashboard', path: '/', icon: <DashboardOutlined />, label: t('nav.dashboard') },
    { area: 'channels', path: '/channels', icon: <ApiOutlined />, label: t('nav.channels') },
    {
      area: 'channels',
      id: 'model-chains',
      path: '/model-chains',
      icon: <BranchesOutlined />,
      label: t('nav.modelChains'),
    },
    { area: 'models', path: '/models', icon: <DatabaseOutlined />, label: t('nav.models') },
    { area: 'tenants', path: '/tenants', icon: <ShopOutlined />, label: t('nav.tenants') },
    {
      area: 'users',
      path: '/users',
      icon: <TeamOutlined />,
      // A super admin manages every user; owners and admins the members of their tenant.
      label: role === 'super_admin' ? t('nav.users') : t('nav.members'),
    },
    { area: 'tokens', path: '/tokens', icon: <KeyOutlined />, label: t('nav.tokens') },
    { area: 'usage', path: '/usage', icon: <LineChartOutlined />, label: t('nav.usage') },
    { area: 'billing', path: '/billing', icon: <WalletOutlined />, label: t('nav.billing') },
    { area: 'invoices', path: '/invoices', icon: <FileTextOutlined />, label: t('nav.invoices') },
    { area: 'plans', path: '/plans', icon: <AppstoreOutlined />, label: t('nav.plans') },
    { area: 'playground', path: '/playground', icon: <MessageOutlined />, label: t('nav.playground') },
    { area: 'audit', path: '/audit', icon: <AuditOutlined />, label: t('nav.audit') },
    { area: 'status', path: '/status', icon: <HeartOutlined />, label: t('nav.status') },
    { area: 'settings', path: '/settings', icon: <SettingOutlined />, label: t('nav.settings') },
  ];
  return entries.filter((entry) => canSee(role, entry.area));
}

/** The entry a location belongs to (longest matching prefix). */
export function activeEntry(entries: NavEntry[], pathname: string): NavEntry | undefined {
  return entries
    .filter((entry) => (entry.path === '/' ? pathname === '/' : pathname.startsWith(entry.path)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
