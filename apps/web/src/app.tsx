// The SPA's providers: server state (TanStack Query), the component library in the UI language,
// and the router.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import { RouterProvider } from 'react-router';
import { isApiError } from './api/api-error';
import { useUiLocale } from './i18n/ui-locale';
import { router } from './router';

// networkMode 'always': the console's server is its own origin, often on localhost or a LAN, and the
// browser's "offline" (its guess at a network) says nothing about it. TanStack's default held every
// request back from such an event until "online", a frozen console; a fetch that cannot reach the
// server fails instead, and says so (ApiError status 0).
const queryClient = new QueryClient({
  defaultOptions: {
    mutations: { networkMode: 'always' },
    queries: {
      networkMode: 'always',
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change by asking again; network errors and 5xx get two more tries.
      retry: (failures, error) =>
        failures < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
    },
  },
});

export function App() {
  const { antdLocale } = useUiLocale();
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider
        locale={antdLocale}
        theme={{
          token: {
            colorPrimary: '#2f5bd3',
            borderRadius: 6,
            fontFamily:
              "system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
          },
        }}
      >
        <AntdApp>
          <RouterProvider router={router} />
        </AntdApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
