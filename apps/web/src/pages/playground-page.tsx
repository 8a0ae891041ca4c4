// Playground: chat with any model a token allows, through the real /v1 relay (streaming or not),
// and see how the request was served: routed via, failed attempts, TTFT, tokens and cost.
import { ClearOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  Row,
  Segmented,
  Select,
  Switch,
  Typography,
  theme,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '../components/page-header';
import { type ChatMessage, RelayError, type RunStats, runChat } from '../features/playground/api/chat-run';
import { MediaPanel, type MediaMode } from '../features/playground/components/media-panel';
import { INGRESS_FORMATS, type IngressFormat } from '../features/playground/api/ingress-formats';
import { RunStatsCard } from '../features/playground/components/run-stats-card';
import { useTokenModels } from '../features/playground/hooks/use-token-models';

// The pasted key lives for this browser tab only.
const KEY_STORAGE = 'llm-gateway.playground-key';

function storedKey(): string {
  try {
    return window.sessionStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function PlaygroundPage() {
  const { t } = useTranslation();
  const { token: colors } = theme.useToken();
  const [key, setKey] = useState(storedKey);
  const [model, setModel] = useState<string | undefined>();
  const [system, setSystem] = useState('');
  const [stream, setStream] = useState(true);
  const [mode, setMode] = useState<'chat' | MediaMode>('chat');
  const [format, setFormat] = useState<IngressFormat>('chat');
  const [input, setInput] = useState('');
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [answer, setAnswer] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<RunStats | null>(null);
  const [statsModel, setStatsModel] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const { models, settling, incomplete } = useTokenModels(key);
  const chosenModel = model ?? models.data?.[0];

  const saveKey = (value: string) => {
    setKey(value.trim());
    try {
      window.sessionStorage.setItem(KEY_STORAGE, value.trim());
    } catch {
      // not persisted; works for this page view
    }
  };

  const send = async () => {
    const text = input.trim();
    if (!text || !chosenModel || running) return;
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }];
    setMessages(history);
    setInput('');
    setError(null);
    setAnswer('');
    setRunning(true);
    const controller = new AbortController();
    abort.current = controller;
    let reply = '';
    try {
      const result = await runChat({
        key,
        model: chosenModel,
        messages: system.trim() ? [{ role: 'system', content: system.trim() }, ...history] : history,
        stream,
        format,
        signal: controller.signal,
        onDelta: (delta) => {
          reply += delta;
          setAnswer(reply);
        },
      });
      setStats(result);
      setStatsModel(chosenModel);
    } catch (caught) {
      if (caught instanceof RelayError) setError(`${caught.status} ${caught.code ?? ''}: ${caught.message}`);
      else if (!controller.signal.aborted) setError(t('playground.networkError'));
    } finally {
      if (reply) setMessages([...history, { role: 'assistant', content: reply }]);
      setAnswer(null);
      setRunning(false);
      abort.current = null;
    }
  };

  const bubble = (message: ChatMessage, index: number | string) => (
    <Flex key={index} justify={message.role === 'user' ? 'flex-end' : 'flex-start'}>
      <div
        data-testid={`message-${message.role}`}
        style={{
          maxWidth: '80%',
          padding: '8px 12px',
          borderRadius: 8,
          whiteSpace: 'pre-wrap',
          background: message.role === 'user' ? colors.colorPrimaryBg : colors.colorFillTertiary,
        }}
      >
        {message.content}
      </div>
    </Flex>
  );

  return (
    <>
      <PageHeader title={t('nav.playground')} subtitle={t('playground.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          {mode !== 'chat' ? (
            <MediaPanel
              mode={mode}
              apiKey={key}
              model={chosenModel}
              onStats={(result, used) => {
                setStats(result);
                setStatsModel(used);
              }}
            />
          ) : (
            <Card
              title={t('playground.chat')}
              extra={
                <Button
                  icon={<ClearOutlined />}
                  size="small"
                  onClick={() => setMessages([])}
                  disabled={running}
                >
                  {t('playground.clear')}
                </Button>
              }
            >
              <Flex
                vertical
                gap={12}
                style={{ minHeight: 280, marginBottom: 16 }}
                data-testid="playground-transcript"
              >
                {messages.length === 0 && answer === null ? (
                  <Typography.Text type="secondary">{t('playground.empty')}</Typography.Text>
                ) : null}
                {messages.map(bubble)}
                {answer !== null ? bubble({ role: 'assistant', content: answer || '…' }, 'pending') : null}
              </Flex>
              {error ? (
                <Alert
                  type="error"
                  showIcon
                  title={t('playground.failed')}
                  description={error}
                  style={{ marginBottom: 12 }}
                />
              ) : null}
              <Flex gap={8} align="flex-end">
                <Input.TextArea
                  value={input}
                  onChange={(event) => setInput(event.target.value)}
                  onPressEnter={(event) => {
                    if (!event.shiftKey) {
                      event.preventDefault();
                      void send();
                    }
                  }}
                  autoSize={{ minRows: 2, maxRows: 8 }}
                  placeholder={t('playground.inputPlaceholder')}
                  data-testid="playground-input"
                />
                {running ? (
                  <Button icon={<StopOutlined />} onClick={() => abort.current?.abort()}>
                    {t('playground.stop')}
                  </Button>
                ) : (
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    onClick={() => void send()}
                    disabled={!chosenModel || !input.trim()}
                    data-testid="playground-send"
                  >
                    {t('playground.send')}
                  </Button>
                )}
              </Flex>
            </Card>
          )}
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('playground.settings')}>
              <Form layout="vertical">
                <Form.Item label={t('playground.mode')}>
                  <Segmented
                    value={mode}
                    onChange={(value) => setMode(value as 'chat' | MediaMode)}
                    options={(['chat', 'image', 'speech'] as const).map((value) => ({
                      value,
                      label: t(`playground.modes.${value}`),
                    }))}
                    data-testid="playground-mode"
                  />
                </Form.Item>
                <Form.Item
                  label={t('playground.key')}
                  extra={
                    <span>
                      {t('playground.keyHint')} <Link to="/tokens">{t('nav.tokens')}</Link>
                    </span>
                  }
                  validateStatus={models.isError || incomplete ? 'error' : undefined}
                  help={
                    incomplete
                      ? t('playground.keyIncomplete')
                      : models.isError
                        ? (models.error as Error).message
                        : undefined
                  }
                >
                  <Input.Password
                    value={key}
                    onChange={(event) => saveKey(event.target.value)}
                    placeholder="sk-…"
                    autoComplete="off"
                    data-testid="playground-key"
                  />
                </Form.Item>
                <Form.Item label={t('playground.model')}>
                  <Select
                    showSearch
                    value={chosenModel}
                    onChange={setModel}
                    loading={settling || models.isFetching}
                    disabled={!models.data}
                    options={models.data?.map((id) => ({ value: id, label: id }))}
                    placeholder={t('playground.modelPlaceholder')}
                    data-testid="playground-model"
                  />
                </Form.Item>
                {mode === 'chat' ? (
                  <>
                    <Form.Item label={t('playground.format')} extra={t(`playground.formatHints.${format}`)}>
                      <Select
                        value={format}
                        onChange={setFormat}
                        options={INGRESS_FORMATS.map((value) => ({
                          value,
                          label: t(`playground.formats.${value}`),
                        }))}
                        data-testid="playground-format"
                      />
                    </Form.Item>
                    <Form.Item label={t('playground.system')}>
                      <Input.TextArea
                        value={system}
                        onChange={(event) => setSystem(event.target.value)}
                        autoSize={{ minRows: 2, maxRows: 6 }}
                      />
                    </Form.Item>
                    <Form.Item label={t('playground.stream')} style={{ marginBottom: 0 }}>
                      <Switch checked={stream} onChange={setStream} />
                    </Form.Item>
                  </>
                ) : null}
              </Form>
            </Card>
            <RunStatsCard stats={stats} model={statsModel} />
          </Flex>
        </Col>
      </Row>
    </>
  );
}
